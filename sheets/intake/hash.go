package intake

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
)

// Hash is the SHA-256 of a submitted file's bytes (hex) and its size: what
// a store knows a file by, so that the same content is not read twice. A
// file in an archive is hashed where it was extracted; a file over the
// size limit, or not a regular file, is an error as for reading.
func Hash(path string, lim Limits) (sum string, size int64, err error) {
	lim = lim.withDefaults()
	f, st, err := openRegular(path)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	if st.Size() > lim.MaxFileSize {
		return "", 0, fmt.Errorf("%s: 文件过大（%d MB，最多 %d MB）", path, st.Size()>>20, lim.MaxFileSize>>20)
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, lim.MaxFileSize+1))
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
