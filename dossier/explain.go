// Explain: the sentence an officer reads for an error — what happened and what to do — in Vietnamese or English.
package dossier

import (
	"errors"

	"sohoa/scanner"
	"sohoa/storage"
)

// problem pairs an error to test with errors.Is and its two sentences.
type problem struct {
	err    error
	vi, en string
}

// problems is searched in order; the first match wins.
var problems = []problem{
	{scanner.ErrFeederEmpty, "Khay nạp giấy trống: đặt giấy vào khay rồi quét lại.", "The feeder is empty: load the paper and scan again."},
	{scanner.ErrJammed, "Kẹt giấy trong máy quét: gỡ tờ bị kẹt, các trang đã quét vẫn được giữ; quét tiếp từ tờ bị kẹt.", "Paper jam: clear the jammed sheet; the pages already scanned are kept; continue from the jammed sheet."},
	{scanner.ErrCoverOpen, "Nắp máy quét đang mở: đóng nắp rồi quét lại.", "The scanner cover is open: close it and scan again."},
	{scanner.ErrBusy, "Máy quét đang bận: chờ một lát rồi thử lại.", "The scanner is busy: wait a moment and try again."},
	{scanner.ErrGone, "Mất kết nối với máy quét: kiểm tra cáp hoặc mạng; các trang đã quét vẫn được giữ.", "The scanner was disconnected: check the cable or network; the pages already scanned are kept."},
	{scanner.ErrUnsupported, "Máy quét không hỗ trợ thiết lập này: chọn nguồn giấy, độ phân giải hoặc chế độ màu khác.", "The scanner does not support this setting: choose another source, resolution or colour mode."},
	{storage.ErrDiskFull, "Ổ đĩa đã đầy: giải phóng dung lượng rồi thử lại; dữ liệu đã lưu không bị mất.", "The disk is full: free some space and try again; nothing already saved is lost."},
	{ErrNoUnit, "Chưa thiết lập đơn vị: nhập mã và tên đơn vị, hoặc chọn chế độ đào tạo.", "No unit profile: enter the unit code and name, or choose training mode."},
	{ErrInvalidUnit, "Thông tin đơn vị không hợp lệ: mã đơn vị có dạng 000.00.00.H47.", "Invalid unit profile: a unit code looks like 000.00.00.H47."},
	{ErrUnknownProcedure, "Không có thủ tục này trong danh mục: chọn thủ tục từ danh sách.", "This procedure is not in the catalog: pick one from the list."},
	{ErrUnknownComponent, "Thành phần hồ sơ không thuộc thủ tục này.", "This component is not part of the procedure."},
	{ErrNothingCaptured, "Chưa có trang nào: quét hoặc nhập tệp trước.", "Nothing captured yet: scan or import first."},
	{ErrNotConfirmed, "Chưa xác nhận khớp với bản gốc: đối chiếu các trang với giấy tờ gốc rồi đánh dấu \"khớp bản gốc\".", "Not checked against the original: compare the pages with the paper and tick \"matches the original\"."},
	{ErrLocked, "Hồ sơ không thể sửa ở bước này: mở lại bước thu nhận (chữ ký sẽ bị hủy) để sửa.", "The dossier cannot be edited now: re-open capture (signatures will be dropped) to edit it."},
	{ErrIllegalMove, "Bước này không thực hiện được với trạng thái hiện tại của hồ sơ.", "This step is not allowed in the dossier's current state."},
	{ErrNoAuthorization, "Chưa có (hoặc đã hết hạn) ủy quyền của công dân: đề nghị công dân đăng nhập lại tài khoản.", "The citizen's authorization is missing or expired: ask the citizen to log in again."},
}

// Explain returns the officer-facing sentence for err in lang ("en" for English, Vietnamese otherwise),
// followed by the technical detail.
func Explain(err error, lang string) string {
	if err == nil {
		return ""
	}
	for _, p := range problems {
		if errors.Is(err, p.err) {
			if lang == "en" {
				return p.en + " (" + err.Error() + ")"
			}
			return p.vi + " (" + err.Error() + ")"
		}
	}
	return err.Error()
}

// Explained reports whether Explain has a sentence for err.
func Explained(err error) bool {
	for _, p := range problems {
		if errors.Is(err, p.err) {
			return true
		}
	}
	return false
}
