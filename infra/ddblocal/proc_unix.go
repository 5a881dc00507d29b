//go:build unix

package ddblocal

import (
	"os/exec"
	"syscall"
)

// terminateGroup sends SIGTERM to the process group led by cmd's process
// (Start puts java in its own group via Setpgid).
func terminateGroup(cmd *exec.Cmd) error {
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
}

// killGroup sends SIGKILL to the process group led by cmd's process.
func killGroup(cmd *exec.Cmd) error {
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
