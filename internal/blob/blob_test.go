package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/torg-ekommune/torg/internal/errs"
)

func TestDir(t *testing.T) {
	dir := t.TempDir()
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	content := []byte("%PDF-1.7 skattemelding")
	sum, n, err := d.Put(ctx, bytes.NewReader(content), 1<<20)
	want := sha256.Sum256(content)
	if err != nil || n != int64(len(content)) || sum != hex.EncodeToString(want[:]) {
		t.Fatalf("Put = %s, %d, %v", sum, n, err)
	}
	// The same content again: same address, no error.
	if sum2, _, err := d.Put(ctx, bytes.NewReader(content), 1<<20); err != nil || sum2 != sum {
		t.Fatalf("second Put = %s, %v", sum2, err)
	}
	r, err := d.Open(ctx, sum)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Equal(got, content) {
		t.Errorf("read back %q", got)
	}
	// Too large: refused, nothing left behind.
	if _, _, err := d.Put(ctx, strings.NewReader(strings.Repeat("x", 101)), 100); !errs.Is(errs.TooLarge, err) {
		t.Errorf("oversized Put = %v", err)
	}
	// Names that are not sums never reach the file system.
	for _, bad := range []string{"../../etc/passwd", "", strings.Repeat("A", 64), sum[:63]} {
		if _, err := d.Open(ctx, bad); !errs.Is(errs.NotFound, err) {
			t.Errorf("Open(%q) = %v", bad, err)
		}
	}
	if err := d.Delete(ctx, sum); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, sum); !errs.Is(errs.NotFound, err) {
		t.Errorf("after Delete: %v", err)
	}
	if err := d.Delete(ctx, sum); err != nil {
		t.Errorf("second Delete: %v", err)
	}
	// No temporary files remain.
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if strings.HasPrefix(filepath.Base(p), "tmp-") {
			t.Errorf("left behind: %s", p)
		}
		return nil
	})
}

func TestSniffType(t *testing.T) {
	tests := map[string]string{
		"%PDF-1.4\n":                     "application/pdf",
		"\x89PNG\r\n\x1a\nrest":          "image/png",
		"\xff\xd8\xff\xe0JFIF":           "image/jpeg",
		"GIF89a...":                      "image/gif",
		"RIFF\x00\x00\x00\x00WEBPVP8 ":   "image/webp",
		"PK\x03\x04docx":                 "application/zip",
		"Hei, dette er tekst.\nLinje 2.": "text/plain",
		"MZ\x90\x00\x03":                 "application/octet-stream",
		"":                               "application/octet-stream",
		"<html><script>":                 "text/plain",
	}
	for in, want := range tests {
		if got := SniffType([]byte(in)); got != want {
			t.Errorf("SniffType(%q) = %s, want %s", in, got, want)
		}
	}
}

func FuzzSniffType(f *testing.F) {
	f.Add([]byte("%PDF-"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if SniffType(b) == "" {
			t.Fatal("empty type")
		}
	})
}
