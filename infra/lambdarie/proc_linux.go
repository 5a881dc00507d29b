package lambdarie

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// sysProcAttr ties the emulator's life to the test process's: if the test
// binary dies, the kernel kills the emulator, and with it gone the function
// exits at its next Runtime API call.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// childPIDs lists pid's children (the bootstrap the emulator started).
func childPIDs(pid int) []int {
	var out []int
	tasks, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	for _, t := range tasks {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/task/" + t.Name() + "/children")
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// killGroups kills each pid's process group: the emulator starts the
// function as the leader of a group of its own.
func killGroups(pids []int) {
	for _, p := range pids {
		if syscall.Kill(-p, syscall.SIGKILL) != nil {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
	}
}
