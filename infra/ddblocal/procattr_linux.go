package ddblocal

import "syscall"

// sysProcAttr gives java its own process group (so Stop can signal it and
// anything it spawns, and a terminal's Ctrl-C reaches only our CLI, which
// then stops it cleanly) and has the kernel SIGKILL it if the process that
// started it dies, so a test binary killed by `go test -timeout` does not
// leave an orphan server holding a port. (Pdeathsig follows the OS thread
// that started java; Go keeps threads alive unless a goroutine exits while
// locked to one with runtime.LockOSThread, which this package never does.)
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
