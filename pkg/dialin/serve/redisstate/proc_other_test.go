//go:build !linux

package redisstate_test

import "syscall"

func childAttr() *syscall.SysProcAttr { return nil }
