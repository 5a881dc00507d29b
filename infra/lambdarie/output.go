package lambdarie

import (
	"io"
	"os"
	"sync"
)

// output is where the process's stdout and stderr go: a temporary file,
// not a pipe, so that whatever the process wrote before it calls the
// Runtime API is already readable when the call arrives. An error's Output
// is then exactly that invocation's output, with no race against a pipe
// reader. At close the text is kept in memory and the file removed.
type output struct {
	mu   sync.Mutex
	file *os.File  // O_APPEND, shared by the process's stdout and stderr
	tee  io.Writer // optional copy, written up to teed at each flush
	teed int64
	kept string // the whole output once closed
}

func newOutput(tee io.Writer) (*output, error) {
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
	return &output{file: file, tee: tee}, nil
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

// flush copies what tee has not seen yet.
func (o *output) flush() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.flushLocked()
}

func (o *output) flushLocked() {
	if o.tee == nil {
		return
	}
	s := o.read(o.teed)
	o.teed += int64(len(s))
	io.WriteString(o.tee, s) // a failing copy must not fail the function
}

// close keeps the text, removes the file and flushes a last time.
func (o *output) close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.file == nil {
		return nil
	}
	o.flushLocked()
	o.kept = o.read(0)
	name := o.file.Name()
	err := o.file.Close()
	o.file = nil
	if rerr := os.Remove(name); err == nil {
		err = rerr
	}
	return err
}
