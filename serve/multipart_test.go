package serve

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/url"
	"testing"
)

func multipartBody(t testing.TB, csrf, name string, data []byte) (io.Reader, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if csrf != "" {
		w.WriteField(csrfField, csrf)
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	w.Close()
	return &b, w.FormDataContentType()
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
