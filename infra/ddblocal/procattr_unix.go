//go:build unix && !linux

package ddblocal

import "syscall"

// sysProcAttr gives java its own process group so Stop can signal it and
// anything it spawns.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
