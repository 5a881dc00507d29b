//go:build !unix

package ddblocal

import (
	"os/exec"
	"syscall"
)

// sysProcAttr: no process groups here; Stop kills the process itself.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// terminateGroup has no graceful signal to send on this platform.
func terminateGroup(cmd *exec.Cmd) error { return cmd.Process.Kill() }

// killGroup kills the process.
func killGroup(cmd *exec.Cmd) error { return cmd.Process.Kill() }
