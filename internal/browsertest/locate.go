package browsertest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// axeRelPath is where npm puts axe.min.js below a folder that has
// node_modules.
const axeRelPath = "node_modules/axe-core/axe.min.js"

// findChromium returns the path of the Chromium binary. env is the value of
// TORG_CHROMIUM: when it is set, only it is tried, so that a wrong value is
// reported and not silently replaced by another browser.
func findChromium(env string) (string, error) {
	if env != "" {
		p, err := exec.LookPath(env)
		if err != nil {
			return "", fmt.Errorf("chromium not found: %s=%q is not an executable file (%v); point it at the browser, or unset it and install chromium with `apt-get install chromium`", EnvChromium, env, err)
		}
		return p, nil
	}
	tried := []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"}
	for _, p := range tried {
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("chromium not found at $%s (unset), %s; install it with `apt-get install chromium`, or set %s to the browser",
		EnvChromium, strings.Join(tried, ", "), EnvChromium)
}

// isExecutable reports whether path is a regular file that someone may
// execute.
func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}

// findAxe returns the path of axe.min.js. env is the value of TORG_AXE_JS:
// when it is set, only it is tried. Otherwise findAxe looks for
// node_modules/axe-core/axe.min.js in dir and each of its parents, and then in
// the folders where `npm install -g` puts it.
func findAxe(env, dir string) (string, error) {
	if env != "" {
		if !isFile(env) {
			return "", fmt.Errorf("axe-core not found: %s=%q is not a file; point it at axe.min.js, or unset it and install axe-core with `npm ci` in the repository root (or `npm install axe-core`)", EnvAxeJS, env)
		}
		return env, nil
	}
	for d := filepath.Clean(dir); ; {
		p := filepath.Join(d, filepath.FromSlash(axeRelPath))
		if isFile(p) {
			return p, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	global := []string{
		"/usr/lib/node_modules/axe-core/axe.min.js",
		"/usr/local/lib/node_modules/axe-core/axe.min.js",
	}
	for _, p := range global {
		if isFile(p) {
			return p, nil
		}
	}
	return "", errors.New("axe-core not found at $" + EnvAxeJS + " (unset), " + axeRelPath +
		" in " + dir + " or any parent, " + strings.Join(global, ", ") +
		"; install it with `npm ci` (or `npm install axe-core`) in the repository root, or set " + EnvAxeJS + " to axe.min.js")
}

// isFile reports whether path is a regular file.
func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}
