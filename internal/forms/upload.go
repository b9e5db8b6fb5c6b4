package forms

import (
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/torg-ekommune/torg/internal/blob"
	"github.com/torg-ekommune/torg/internal/errs"
	"github.com/torg-ekommune/torg/internal/forms/formdef"
)

// receiveFiles checks and stores the files posted for the file fields of
// a page (and of the items of its groups) and adds them to the answers.
// A file is judged by its content, never by its name or the type the
// browser claims: one whose content is not an accepted type, is larger
// than allowed, is empty, or whose name claims another type than its
// content is refused with an error on its field and not stored.
func (h *pageHandlers) receiveFiles(r *http.Request, fields []formdef.Field, prefix string, a formdef.Answers) ([]formdef.FieldError, error) {
	var out []formdef.FieldError
	for i := range fields {
		fl := &fields[i]
		path := prefix + fl.ID
		switch fl.Type {
		case formdef.TypeGroup:
			if !hasFiles(fl.Fields) {
				continue
			}
			items := itemsOf(a[fl.ID])
			for n := range items {
				e, err := h.receiveFiles(r, fl.Fields, path+"."+strconv.Itoa(n)+".", items[n])
				if err != nil {
					return nil, err
				}
				out = append(out, e...)
			}
			if items != nil {
				a[fl.ID] = items
			}
		case formdef.TypeFile:
			if r.MultipartForm == nil {
				continue
			}
			files := filesOf(a[fl.ID])
			for _, fh := range r.MultipartForm.File[path] {
				if fh.Filename == "" && fh.Size == 0 {
					continue // the browser sends an empty part when no file was chosen
				}
				if len(files) >= fl.EffectiveMaxFiles() {
					out = append(out, formdef.FieldError{Path: path, Key: formdef.KeyTooManyFiles, Args: []any{fl.EffectiveMaxFiles()}})
					break
				}
				f, fe, err := h.receiveFile(r, fl, path, fh)
				if err != nil {
					return nil, err
				}
				if fe != nil {
					out = append(out, *fe)
					break
				}
				files = append(files, f)
			}
			if len(files) > 0 {
				a[fl.ID] = files
			}
		}
	}
	return out, nil
}

func (h *pageHandlers) receiveFile(r *http.Request, fl *formdef.Field, path string, fh *multipart.FileHeader) (formdef.File, *formdef.FieldError, error) {
	name := blob.CleanName(fh.Filename, "fil")
	refuse := func(key string, args ...any) (formdef.File, *formdef.FieldError, error) {
		return formdef.File{}, &formdef.FieldError{Path: path, Key: key, Args: append([]any{name}, args...)}, nil
	}
	if fh.Size == 0 {
		return refuse(formdef.KeyFileEmpty)
	}
	if fh.Size > fl.EffectiveMaxSize() {
		return refuse(formdef.KeyFileSize, formdef.FormatSize(fl.EffectiveMaxSize()))
	}
	src, err := fh.Open()
	if err != nil {
		return formdef.File{}, nil, errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	defer src.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(src, head)
	if err != nil && err != io.ErrUnexpectedEOF {
		return formdef.File{}, nil, errs.E(errs.Invalid, errs.Key("error.bad_form"), err)
	}
	ctype := blob.SniffType(head[:n])
	accepted := false
	for _, t := range fl.EffectiveAccept() {
		accepted = accepted || t == ctype
	}
	if !accepted {
		return refuse(formdef.KeyFileType, formdef.TypeNames(fl.EffectiveAccept()))
	}
	if claimed := typeByExtension(name); claimed != "" && claimed != ctype {
		return refuse("forms.error.file_mismatch", formdef.TypeNames([]string{claimed}), formdef.TypeNames([]string{ctype}))
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return formdef.File{}, nil, errs.E(errs.Internal, err)
	}
	sum, size, err := h.Blobs.Put(r.Context(), src, fl.EffectiveMaxSize())
	if errs.KindOf(err) == errs.TooLarge {
		return refuse(formdef.KeyFileSize, formdef.FormatSize(fl.EffectiveMaxSize()))
	}
	if err != nil {
		return formdef.File{}, nil, err
	}
	return formdef.File{ID: sum, Name: name, ContentType: ctype, Size: size}, nil, nil
}

// typeByExtension is the content type a file name claims, for the types
// citizens attach; "" when the name says nothing we know.
func typeByExtension(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		return "application/pdf"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	case ".txt":
		return "text/plain"
	}
	return ""
}
