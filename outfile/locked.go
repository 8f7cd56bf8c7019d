package outfile

import (
	"fmt"
)

// ErrLocked is an output another program holds open so that it cannot be
// written: on Windows, a workbook open in Excel or WPS.
const ErrLocked = constError("文件正被其他程序打开")

// sharingViolation tells whether err is Windows' "the file is being used by
// another process" (a file open in Excel); see locked_windows.go.
var sharingViolation = isSharingViolation

// replaceDenied tells whether err is the error replacing a file another
// program holds open gives (on Windows, "Access is denied").
var replaceDenied = isReplaceDenied

// lockedError is err, said as what to do when it is because another program
// holds path open.
func lockedError(path string, err error) error {
	if err == nil || !sharingViolation(err) {
		return err
	}
	return fmt.Errorf("无法写入 %s：%w——请先在 Excel（或 WPS）中关闭 %s，再重新运行", path, ErrLocked, path)
}
