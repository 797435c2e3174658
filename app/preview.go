// The page preview of the capture screen, with its zoom.

package app

import (
	"image"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// pagePreview shows the selected page large, at a zoom where 1 fits the page's height.
type pagePreview struct {
	preview       *canvas.Image
	previewScroll *container.Scroll
	zoom          float32
	zoomLbl       *widget.Label
}

// showImage puts an image in the preview at the current zoom.
func (t *pagePreview) showImage(img image.Image) {
	t.preview.Image = img
	t.setZoom(t.zoom)
}

// setZoom scales the preview: 1 = the page fits the preview's height.
func (t *pagePreview) setZoom(z float32) {
	t.zoom = min(max(z, 0.25), 6)
	t.zoomLbl.SetText(strconv.Itoa(int(t.zoom*100+0.5)) + " %")
	if t.preview.Image == nil {
		t.preview.Refresh()
		return
	}
	b := t.preview.Image.Bounds()
	fit := t.previewScroll.Size().Height - 8
	if fit < 200 {
		fit = 400
	}
	h := fit * t.zoom
	w := h * float32(b.Dx()) / float32(max(1, b.Dy()))
	t.preview.SetMinSize(fyne.NewSize(w, h))
	t.preview.Refresh()
	t.previewScroll.Refresh()
}
