"""The sentences of a plan's body: title verbs, purpose, tasks, targets.

Reads: nothing. Returns: data, templates with ``str.format`` fields the rendering
fills: ``{kl}`` the central directive, ``{parent}`` the plan implemented,
``{lvl}`` the level's word, ``{c0}``/``{c1}`` campaigns, ``{a}``/``{b}``/``{c}``
target percentages.

Why data: the body is what text reuse and target comparison will read; its
sentences are one table, not strings scattered through the rendering.
"""

from __future__ import annotations

VERBS_TITLE = ("Thực hiện", "Triển khai thực hiện", "thực hiện", "triển khai thực hiện")

PURPOSE = (
    "Quán triệt sâu sắc, cụ thể hóa và triển khai thực hiện đầy đủ, kịp thời, hiệu quả các nhiệm vụ "
    "trọng tâm đã đề ra tại {kl}, nâng cao nhận thức, trách nhiệm của các cấp ủy, tổ chức đảng, chính "
    "quyền, Mặt trận Tổ quốc, các tổ chức chính trị - xã hội, cán bộ, đảng viên và Nhân dân về vai trò "
    "của thể dục, thể thao trong giai đoạn mới.",
    "Việc tổ chức triển khai thực hiện {kl} và {parent} phải nghiêm túc, thiết thực, hiệu quả, đồng bộ "
    "từ {lvl} đến cơ sở; thường xuyên kiểm tra, giám sát, định kỳ sơ kết, tổng kết, báo cáo theo quy định.",
)
TASKS = (
    "Đẩy mạnh công tác thông tin, tuyên truyền về các nhiệm vụ, giải pháp của {parent} và các nội dung "
    "của {kl}; nâng cao chất lượng cuộc vận động “{c0}”, phong trào “{c1}”.",
    "Khuyến khích phát triển thể dục, thể thao quần chúng, tạo cơ hội cho mọi người dân được tham gia "
    "hoạt động tập luyện, biểu diễn, thi đấu để nâng cao sức khỏe, phòng bệnh, vui chơi, giải trí; xây "
    "dựng các công trình thể thao công cộng ở khu dân cư.",
    "Đổi mới, nâng cao chất lượng giáo dục thể chất và thể thao trong nhà trường; quan tâm đầu tư cơ sở "
    "vật chất, giáo viên cho các cấp học; tổ chức các giải thi đấu thể thao cấp {lvl} hằng năm.",
    "Tăng cường huy động các nguồn lực cho sự nghiệp thể dục, thể thao; đẩy mạnh xã hội hóa, thúc đẩy "
    "hợp tác công - tư, khuyến khích doanh nghiệp, tổ chức, cá nhân đầu tư xây dựng cơ sở thể thao.",
)
TARGETS = (
    "Phấn đấu đến năm 2030, số người tham gia tập luyện thể dục, thể thao thường xuyên đạt trên {a}% dân số; "
    "số gia đình luyện tập thể dục, thể thao đạt trên {b}% tổng số hộ.",
    "Phấn đấu đến năm 2030 tỷ lệ học sinh được đánh giá và phân loại thể lực theo tiêu chuẩn rèn luyện "
    "thân thể đạt từ {c}% trở lên.",
    "Đến năm 2030, số cán bộ, công chức, viên chức và người lao động tham gia luyện tập thể dục, thể thao "
    "thường xuyên đạt tỷ lệ trên {a}%.",
)
