// Training citizen accounts of the reference portal.

package refportal

// Citizen is a portal account: the citizen logs in with their 12-digit CCCD number (ID) and Password.
type Citizen struct {
	ID       string `json:"id"`   // 12-digit CCCD number, also the login name and the token subject
	Name     string `json:"name"` // full name
	DOB      string `json:"dob"`  // date of birth, dd/mm/yyyy
	Sex      string `json:"sex"`  // "Nam" or "Nữ"
	Address  string `json:"address"`
	Password string `json:"password"`
	VNeID    bool   `json:"vneid"` // authenticated at level 2 of the national e-ID
}

// TrainingCitizens returns the training accounts every reference portal knows (fictitious people).
func TrainingCitizens() []Citizen {
	return []Citizen{
		{ID: "049195000123", Name: "Trần Thị Bình", DOB: "12/03/1995", Sex: "Nữ",
			Address: "Thôn Phú Quý, xã Tam Xuân, Núi Thành, Quảng Nam", Password: "daotao-binh", VNeID: true},
		{ID: "048090001234", Name: "Nguyễn Văn An", DOB: "25/08/1990", Sex: "Nam",
			Address: "Tổ 5, phường Hòa Khánh, Đà Nẵng", Password: "daotao-an", VNeID: true},
		{ID: "001088004567", Name: "Lê Hoàng Cường", DOB: "02/11/1988", Sex: "Nam",
			Address: "Số 12 ngõ 34 phố Kim Mã, Ba Đình, Hà Nội", Password: "daotao-cuong", VNeID: true},
	}
}
