//go:build !unix

package oauth

import (
	"io/fs"
	"os"
)

// Elsewhere the token file is not locked: one process at a time.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlockFile(*os.File) {}

func inode(fs.FileInfo) uint64 { return 0 }
