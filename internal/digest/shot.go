package digest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"

	"rapport/internal/compose"
)

// Screenshots of the digest's HTML in a real browser engine, for the
// tests and the demo: headless Chromium renders the mail in a viewport of
// the given width, as a phone or a desktop mail client would, reports
// whether anything is wider than the viewport, and takes a full-height
// picture.

// Browser finds a headless-capable Chromium or Chrome on $PATH ("" when
// there is none).
func Browser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Shot is one rendering.
type Shot struct {
	Width       int    // the viewport, CSS pixels
	ScrollWidth int    // the page's width: more than Width means horizontal scrolling
	Height      int    // the page's full height
	PNG         string // the picture, Width by Height
}

// ShotOptions choose the rendering.
type ShotOptions struct {
	Width int  // viewport width in CSS pixels (320 to 2000)
	Dark  bool // prefers-color-scheme: dark, as a phone in dark mode
}

var measureRE = regexp.MustCompile(`RAPPORT-MEASURE sw=(\d+) sh=(\d+) iw=(\d+)`)

// maxShotHeight bounds the picture of a runaway page.
const maxShotHeight = 16000

// Screenshot renders page (a complete HTML document) with the browser at
// o.Width and writes the picture to pngPath. The page is shown in a frame
// of exactly that width inside a blank page (headless windows cannot be
// narrower than 500 pixels), measured first, then photographed at its full
// height and cropped to the frame.
func Screenshot(ctx context.Context, browser string, page []byte, o ShotOptions, pngPath string) (Shot, error) {
	if browser == "" {
		return Shot{}, errors.New("screenshot: no browser (install chromium)")
	}
	if o.Width < 320 || o.Width > 2000 {
		return Shot{}, fmt.Errorf("screenshot: width %d out of range", o.Width)
	}
	dir, err := os.MkdirTemp("", "rapport-shot-")
	if err != nil {
		return Shot{}, err
	}
	defer os.RemoveAll(dir)
	run := func(frameHeight, windowHeight int, args ...string) ([]byte, error) {
		wrapper := filepath.Join(dir, "page.html")
		// srcdoc keeps the frame same-origin with the wrapper, so the
		// wrapper can measure it; the digest itself runs no script.
		doc := fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0;background:#fff">`+
			`<iframe id="f" style="width:%dpx;height:%dpx;border:0;display:block" srcdoc="%s"></iframe>`+
			`<script>window.addEventListener("load",function(){var f=document.getElementById("f"),d=f.contentDocument.documentElement;`+
			`var p=document.createElement("pre");p.textContent="RAPPORT-MEASURE sw="+d.scrollWidth+" sh="+d.scrollHeight+" iw="+f.contentWindow.innerWidth;`+
			`p.style.display="none";document.body.appendChild(p);});</script></body></html>`,
			o.Width, frameHeight, html.EscapeString(string(page)))
		if err := os.WriteFile(wrapper, []byte(doc), 0o600); err != nil {
			return nil, err
		}
		full := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--hide-scrollbars",
			"--mute-audio", "--user-data-dir=" + filepath.Join(dir, "profile"),
			fmt.Sprintf("--window-size=%d,%d", max(o.Width, 500), windowHeight)}, args...)
		if o.Dark {
			full = append(full, "--force-dark-mode")
		}
		full = append(full, "file://"+wrapper)
		cmd := exec.CommandContext(ctx, browser, full...)
		cmd.Env = append(os.Environ(), "HOME="+dir)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("screenshot: %s: %v\n%s", filepath.Base(browser), err, tail(errOut.Bytes()))
		}
		return out.Bytes(), nil
	}
	// Measure in a short frame: scrollHeight is then the content's height.
	dom, err := run(100, 800, "--dump-dom")
	if err != nil {
		return Shot{}, err
	}
	m := measureRE.FindSubmatch(dom)
	if m == nil {
		return Shot{}, errors.New("screenshot: the page did not report its size")
	}
	sw, _ := strconv.Atoi(string(m[1]))
	sh, _ := strconv.Atoi(string(m[2]))
	iw, _ := strconv.Atoi(string(m[3]))
	if iw != o.Width {
		return Shot{}, fmt.Errorf("screenshot: the frame is %d pixels wide, want %d", iw, o.Width)
	}
	sh = min(max(sh, 1), maxShotHeight)
	shot := filepath.Join(dir, "shot.png")
	if _, err := run(sh, sh, "--screenshot="+shot); err != nil {
		return Shot{}, err
	}
	raw, err := os.ReadFile(shot)
	if err != nil {
		return Shot{}, fmt.Errorf("screenshot: no picture: %w", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return Shot{}, fmt.Errorf("screenshot: %w", err)
	}
	crop := image.Rect(0, 0, min(o.Width, img.Bounds().Dx()), min(sh, img.Bounds().Dy()))
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return Shot{}, errors.New("screenshot: cannot crop the picture")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, sub.SubImage(crop)); err != nil {
		return Shot{}, err
	}
	if err := os.WriteFile(pngPath, buf.Bytes(), 0o644); err != nil {
		return Shot{}, err
	}
	return Shot{Width: o.Width, ScrollWidth: sw, Height: sh, PNG: pngPath}, nil
}

func tail(b []byte) []byte {
	if len(b) > 2000 {
		return b[len(b)-2000:]
	}
	return b
}

// ShotWidths are the widths the digest is checked and shown at: a phone
// and a desktop.
var ShotWidths = []int{390, 1024}

// Save writes a rendered digest to dir for a person to look at:
// digest.txt, digest.html and, when a browser is installed, a screenshot
// per ShotWidths (digest-390.png...). It returns the paths written, the
// text first.
func Save(ctx context.Context, r *compose.Rendered, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for _, f := range []struct{ name, body string }{
		{"digest.txt", "Subject: " + r.Subject + "\n\n" + r.Text}, {"digest.html", r.HTML},
	} {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, []byte(f.body), 0o644); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	browser := Browser()
	if browser == "" || r.HTML == "" {
		return paths, nil
	}
	for _, w := range ShotWidths {
		p := filepath.Join(dir, fmt.Sprintf("digest-%d.png", w))
		if _, err := Screenshot(ctx, browser, []byte(r.HTML), ShotOptions{Width: w}, p); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
