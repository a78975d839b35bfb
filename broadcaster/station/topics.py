"""The content areas a commune station broadcasts, from the commune's communication plan."""

DEFAULT_TOPICS: tuple[tuple[str, str], ...] = (
    ("cchc", "Cải cách hành chính"),
    ("chuyen-doi-so", "Chuyển đổi số, dịch vụ công trực tuyến"),
    ("phap-luat", "Phổ biến, giáo dục pháp luật"),
    ("thien-tai", "Phòng, chống thiên tai"),
    ("y-te", "Y tế, phòng chống dịch bệnh"),
    ("an-ninh", "An ninh, trật tự"),
    ("nong-thon-moi", "Xây dựng nông thôn mới"),
    ("nong-nghiep", "Sản xuất nông nghiệp"),
    ("an-sinh", "Chính sách an sinh xã hội, BHXH, BHYT"),
    ("quoc-phong", "Quốc phòng, nghĩa vụ quân sự"),
    ("moi-truong", "Tài nguyên, môi trường"),
    ("van-hoa", "Văn hóa, thể thao, xã hội"),
    ("thong-bao", "Thông báo của UBND xã"),
)
