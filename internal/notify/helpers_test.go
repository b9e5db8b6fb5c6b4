package notify_test

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"testing"
)

type mimeDecoder = mime.WordDecoder

func decodeQP(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(quotedprintable.NewReader(r))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
