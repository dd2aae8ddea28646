"""Names the generated texts use: the directive, the campaigns, people, mass organisations.

Reads: nothing. Returns: data (constants and tuples), no logic.

Why data of its own: the tree, the issuer naming and the rendering all name the
central directive (Kết luận 70-KL/TW) and the mass organisations; one table each
keeps them agreeing.
"""

from __future__ import annotations

from datetime import date

KL70_DATE = date(2024, 1, 31)
KL70_TITLE = "về phát triển thể dục, thể thao trong giai đoạn mới"
CAMPAIGNS = (
    "Toàn dân rèn luyện thân thể theo gương Bác Hồ vĩ đại",
    "Toàn dân đoàn kết xây dựng đời sống văn hóa",
    "Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh",
)
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Mai",
    "Đinh",
    "Lương",
    "Hà",
]
MIDDLES = ["Văn", "Thị", "Đức", "Minh", "Thanh", "Hữu", "Quốc", "Ngọc", "Thu", "Xuân", "Công", "Hồng", "Kim"]
GIVENS = [
    "An",
    "Bình",
    "Chính",
    "Dũng",
    "Đông",
    "Giang",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nghiệm",
    "Nhài",
    "Phương",
    "Quang",
    "Sơn",
    "Tâm",
    "Thắng",
    "Thảo",
    "Trung",
    "Tuấn",
    "Vân",
    "Việt",
    "Yến",
]

# The mass organisations a commune plan may come from, beside Party, State and Front.
COMMUNE_EXTRA = ("women", "farmers", "veterans", "youth")
MASS = {
    "women": "Hội Liên hiệp Phụ nữ",
    "farmers": "Hội Nông dân",
    "veterans": "Hội Cựu chiến binh",
    "youth": "Đoàn Thanh niên",
}
