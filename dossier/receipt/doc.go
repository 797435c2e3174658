// Package receipt renders the "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" (Circular
// 01/2018/TT-VPCP, form 01) as an A4 PDF with the Circular 01/2023 QR code at the
// top-left, using the embedded DejaVu Sans font for Vietnamese text.
package receipt
