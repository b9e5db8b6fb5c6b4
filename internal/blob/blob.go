// Package blob stores files (attachments, documents) by the SHA-256 of
// their content. The Store interface has a local-folder implementation
// here; an S3-compatible one can stand behind the same interface for
// deployments with several nodes.
package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/torg-ekommune/torg/internal/errs"
)

// Store keeps immutable blobs addressed by their SHA-256.
type Store interface {
	// Put stores everything r gives, up to max bytes, and returns the
	// SHA-256 (hex) and size. More than max bytes is errs.TooLarge and
	// stores nothing. Putting the same content twice is cheap and safe.
	Put(ctx context.Context, r io.Reader, max int64) (sum string, size int64, err error)
	// Open returns the blob with sum. Errors: NotFound.
	Open(ctx context.Context, sum string) (io.ReadCloser, error)
	// Delete removes the blob; deleting a missing blob is not an error.
	Delete(ctx context.Context, sum string) error
}

// Dir is a Store in a local folder: blob ab12... is at ab/12/ab12...
// Writes go to a temporary file that is fsynced and renamed into place, so
// a blob either exists whole or not at all, also after a crash.
type Dir struct {
	root *os.Root
}

// OpenDir opens (creating it if needed) a folder store at dir.
func OpenDir(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &Dir{root: r}, nil
}

// Close releases the folder.
func (d *Dir) Close() error { return d.root.Close() }

// validSum reports whether s is a lower-case hex SHA-256; only such names
// reach the file system.
func validSum(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func blobPath(sum string) string { return path.Join(sum[:2], sum[2:4], sum) }

// Put implements Store.
func (d *Dir) Put(ctx context.Context, r io.Reader, max int64) (string, int64, error) {
	const op = errs.Op("blob.Put")
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := "tmp-" + hex.EncodeToString(rnd[:])
	f, err := d.root.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return "", 0, errs.E(op, err)
	}
	defer d.root.Remove(tmp) // after a successful rename this finds nothing
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, max+1))
	if err == nil && n > max {
		err = errs.E(op, errs.TooLarge, errs.Key("error.too_large"))
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", 0, errs.E(op, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	p := blobPath(sum)
	if _, err := d.root.Stat(p); err == nil {
		return sum, n, nil // same content stored before
	}
	if err := d.root.MkdirAll(path.Dir(p), 0o750); err != nil {
		return "", 0, errs.E(op, err)
	}
	if err := d.root.Rename(tmp, p); err != nil {
		return "", 0, errs.E(op, err)
	}
	// Make the rename itself durable.
	if dir, err := d.root.Open(path.Dir(p)); err == nil {
		dir.Sync()
		dir.Close()
	}
	return sum, n, nil
}

// Open implements Store.
func (d *Dir) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	const op = errs.Op("blob.Open")
	if !validSum(sum) {
		return nil, errs.E(op, errs.NotFound)
	}
	f, err := d.root.Open(blobPath(sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errs.E(op, errs.NotFound)
	}
	if err != nil {
		return nil, errs.E(op, err)
	}
	return f, nil
}

// Delete implements Store.
func (d *Dir) Delete(ctx context.Context, sum string) error {
	if !validSum(sum) {
		return nil
	}
	err := d.root.Remove(blobPath(sum))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return errs.E(errs.Op("blob.Delete"), err)
	}
	return nil
}

var _ Store = (*Dir)(nil)

// SniffType returns the content type of data judged by its first bytes,
// for the formats citizens attach (PDF, PNG, JPEG, GIF, WebP, plain text,
// Office Open XML and OpenDocument as ZIP), and "application/octet-stream"
// otherwise. A file's name or declared type is never trusted.
func SniffType(head []byte) string {
	switch {
	case hasPrefix(head, "%PDF-"):
		return "application/pdf"
	case hasPrefix(head, "\x89PNG\r\n\x1a\n"):
		return "image/png"
	case hasPrefix(head, "\xff\xd8\xff"):
		return "image/jpeg"
	case hasPrefix(head, "GIF87a"), hasPrefix(head, "GIF89a"):
		return "image/gif"
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return "image/webp"
	case hasPrefix(head, "PK\x03\x04"):
		return "application/zip"
	}
	if isText(head) {
		return "text/plain"
	}
	return "application/octet-stream"
}

func hasPrefix(b []byte, p string) bool { return strings.HasPrefix(string(b), p) }

func isText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < 0x09 || (c > 0x0d && c < 0x20 && c != 0x1b) || c == 0x7f {
			return false
		}
	}
	return true
}
