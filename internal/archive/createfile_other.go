//go:build !linux

package archive

import "os"

// destDir is a folder of the package that document files are created in.
type destDir struct {
	root *os.Root
}

func openDestDir(parent *os.Root, name string) (*destDir, error) {
	r, err := parent.OpenRoot(name)
	if err != nil {
		return nil, err
	}
	return &destDir{root: r}, nil
}

func (d *destDir) Close() error { return d.root.Close() }

// create makes file base (a plain name) in d, which must not exist.
func (d *destDir) create(base string) (*os.File, error) {
	return d.root.OpenFile(base, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
}
