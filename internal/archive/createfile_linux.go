package archive

import (
	"os"
	"syscall"
)

// destDir is a folder of the package that document files are created in.
// On Linux a file is made with openat on the folder's descriptor and
// written with plain system calls: an *os.File costs five more calls per
// file (registering with the poller, which refuses regular files), and a
// million small files make that count.
type destDir struct {
	dir *os.File
	fd  int
}

// openDestDir opens folder name of parent (one descriptor per folder).
func openDestDir(parent *os.Root, name string) (*destDir, error) {
	f, err := parent.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !st.IsDir() {
		f.Close()
		return nil, &os.PathError{Op: "open", Path: name, Err: syscall.ENOTDIR}
	}
	return &destDir{dir: f, fd: int(f.Fd())}, nil
}

func (d *destDir) Close() error { return d.dir.Close() }

// create makes file base (a plain name) in d, which must not exist.
func (d *destDir) create(base string) (fdFile, error) {
	for {
		fd, err := syscall.Openat(d.fd, base, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0o644)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return -1, &os.PathError{Op: "create", Path: base, Err: err}
		}
		return fdFile(fd), nil
	}
}

// fdFile is an open file as a bare descriptor.
type fdFile int

func (f fdFile) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := syscall.Write(int(f), p[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}

func (f fdFile) Close() error { return syscall.Close(int(f)) }
