package lambdarie

import (
	"os"
	"sync"
)

// output is where the emulator's stdout and stderr go: a temporary file,
// not a pipe, so that whatever it wrote before it answers an invocation is
// already readable when the answer arrives, with no race against a pipe
// reader. At close the text is kept in memory and the file removed.
type output struct {
	mu   sync.Mutex
	file *os.File // O_APPEND, shared by the process's stdout and stderr
	kept string   // the whole output once closed
}

func newOutput() (*output, error) {
	tmp, err := os.CreateTemp("", "lambdarie-output-*")
	if err != nil {
		return nil, err
	}
	name := tmp.Name()
	tmp.Close()
	file, err := os.OpenFile(name, os.O_RDWR|os.O_APPEND, 0)
	if err != nil {
		os.Remove(name)
		return nil, err
	}
	return &output{file: file}, nil
}

// Len is how many bytes were written so far.
func (o *output) Len() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.size()
}

func (o *output) size() int64 {
	if o.file == nil {
		return int64(len(o.kept))
	}
	fi, err := o.file.Stat()
	if err != nil {
		return 0
	}
	return fi.Size()
}

func (o *output) String() string { return o.since(0) }

// since is the output from offset off on.
func (o *output) since(off int64) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.read(off)
}

func (o *output) read(off int64) string {
	if o.file == nil {
		return o.kept[min(off, int64(len(o.kept))):]
	}
	n := o.size() - off
	if n <= 0 {
		return ""
	}
	buf := make([]byte, n)
	n2, _ := o.file.ReadAt(buf, off)
	return string(buf[:n2])
}

// close keeps the text and removes the file.
func (o *output) close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.file == nil {
		return nil
	}
	o.kept = o.read(0)
	name := o.file.Name()
	err := o.file.Close()
	o.file = nil
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	return err
}
