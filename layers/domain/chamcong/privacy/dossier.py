"""The impact-assessment dossier (hồ sơ đánh giá tác động xử lý dữ liệu cá nhân, Decree 13/2023/NĐ-CP Art. 24),
built as a .docx with python-docx from the deployment's own configuration: the classes of data and their purposes,
legal bases and retention (`privacy.classes.DATA_CLASSES` and the retention settings), where the data lives (the
AWS region and services), who processes it (the roles of `access.ROLES`), and the security measures the template
puts in force (`SECURITY_MEASURES`; `tests/unit/test_dossier.py` checks each against template.yaml).

`configuration(settings)` is everything the document says that may change; `digest(...)` its SHA-256, which names
the stored copy (`privacy/dossier/{digest}.docx`): a new digest, a new document. No AWS here.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chamcong.access import ROLES
from chamcong.privacy import notices
from chamcong.privacy.classes import DATA_CLASSES, Basis, Mechanism, retention_days

# Raise when the document's layout or wording changes, so every deployment gets a new copy.
DOSSIER_FORMAT = 1

BASIS_VI = {Basis.CONSENT: "Sự đồng ý của chủ thể dữ liệu (Điều 11)",
            Basis.LAW: "Theo quy định của pháp luật, thực hiện nhiệm vụ quản lý cán bộ (Điều 17)",
            Basis.CONTRACT: "Thực hiện hợp đồng (điểm b khoản 1 Điều 17)"}
MECHANISM_VI = {Mechanism.LIFECYCLE: "Quy tắc vòng đời S3 tự xoá theo tuổi",
                Mechanism.PURGE: "Tác vụ xoá hằng ngày (có ghi nhật ký số lượng)",
                Mechanism.TTL: "Thuộc tính hết hạn (TTL) của DynamoDB",
                Mechanism.ERASURE: "Xoá khi xoá ảnh hoặc xoá cán bộ",
                Mechanism.IN_USE: "Quản trị viên xoá khi không còn sử dụng"}


@dataclass(frozen=True)
class Measure:
    key: str  # checked against template.yaml by tests/unit/test_dossier.py
    title_vi: str
    text_vi: str


SECURITY_MEASURES: tuple[Measure, ...] = (
    Measure("s3_encryption", "Mã hoá dữ liệu lưu trữ trên S3",
            "Kho dữ liệu (ảnh đăng ký, ảnh chụp, bộ sưu tập véc-tơ, báo cáo) được mã hoá phía máy chủ bằng khoá "
            "AWS KMS (SSE-KMS, S3 Bucket Key)."),
    Measure("dynamodb_encryption", "Mã hoá các bảng dữ liệu",
            "Mọi bảng DynamoDB được mã hoá khi lưu trữ (SSESpecification) và có sao lưu phục hồi theo thời điểm "
            "(Point-in-time recovery)."),
    Measure("tls_only", "Chỉ truyền dữ liệu qua kết nối mã hoá",
            "Chính sách của kho dữ liệu từ chối mọi truy cập không dùng TLS (aws:SecureTransport); API và trang "
            "web chỉ phục vụ qua HTTPS."),
    Measure("no_public_access", "Không truy cập công khai",
            "Kho dữ liệu chặn mọi quyền công khai (Block Public Access); ảnh chỉ được xem qua đường dẫn ký số "
            "hết hạn sau vài phút, cấp cho người có quyền."),
    Measure("least_privilege", "Phân quyền tối thiểu cho từng chức năng",
            "Mỗi hàm Lambda chỉ được cấp quyền trên những bảng và tiền tố S3 nó cần; nhật ký thao tác chỉ được "
            "ghi thêm và truy vấn, không sửa, không xoá."),
    Measure("roles", "Vai trò người dùng và phạm vi đơn vị",
            "Quyền của người dùng theo vai trò, gắn với một đơn vị và các đơn vị cấp dưới; cán bộ chỉ xem dữ liệu "
            "của chính mình. Mọi kiểm tra phạm vi nằm ở một chỗ và mặc định từ chối."),
    Measure("audit", "Nhật ký thao tác",
            "Mọi thay đổi, mọi lần xem dữ liệu cá nhân và bằng chứng đều được ghi nhật ký (ai, khi nào, từ đâu); "
            "nhật ký không chứa ảnh, véc-tơ, mật khẩu hay mã phiên."),
    Measure("retention", "Thời hạn lưu trữ và tự động xoá",
            "Mỗi loại dữ liệu có thời hạn lưu trữ cấu hình được (tham số của bản mẫu triển khai); hết hạn thì tự "
            "động xoá bằng quy tắc vòng đời S3, thuộc tính TTL hoặc tác vụ xoá hằng ngày."),
    Measure("accounts", "Tài khoản và mật khẩu",
            "Mật khẩu băm bằng Argon2id, phải đổi mật khẩu tạm trong thời hạn, khoá tạm khi nhập sai nhiều lần; "
            "phiên đăng nhập hết hạn sau 8 giờ."),
    Measure("devices", "Thiết bị tại sảnh",
            "Mỗi lượt gửi từ thiết bị được ký HMAC bằng khoá riêng của thiết bị; thiết bị có thể bị thu hồi; "
            "kiểm tra người thật (chống dùng ảnh, màn hình)."),
)

SERVICES_VI = ("AWS Lambda (xử lý)", "Amazon API Gateway (API)", "Amazon DynamoDB (bản ghi)",
               "Amazon S3 (ảnh, bộ sưu tập, báo cáo)", "AWS KMS (khoá mã hoá)", "Amazon SES (thư báo cáo)",
               "Amazon CloudFront (trang web)", "Amazon CloudWatch (nhật ký vận hành, không chứa dữ liệu sinh trắc)")


def configuration(settings: Any) -> dict[str, Any]:
    """Every value the dossier states that a deployment may change."""
    return {
        "format": DOSSIER_FORMAT,
        "region": settings.aws_region,
        "legal_basis": settings.privacy_legal_basis,
        "contact": settings.privacy_contact,
        "sender_email": settings.sender_email,
        "notice": notices.current_version(),
        "classes": [{"key": data_class.key, "tables": list(data_class.tables), "prefixes": list(data_class.prefixes),
                     "mechanism": str(data_class.mechanism), "basis": str(data_class.basis),
                     "days": retention_days(data_class, settings), "purpose": data_class.purpose_vi,
                     "kept": data_class.kept_vi}
                    for data_class in DATA_CLASSES],
        "roles": {name: sorted(role.permissions) for name, role in ROLES.items()},
        "measures": [measure.key for measure in SECURITY_MEASURES],
    }


def digest(config: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(config, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


HEADINGS_VI = (
    "1. Thông tin về Bên kiểm soát và xử lý dữ liệu cá nhân",
    "2. Mục đích xử lý dữ liệu cá nhân",
    "3. Loại dữ liệu cá nhân được xử lý và cơ sở pháp lý",
    "4. Thời gian xử lý, lưu trữ và xoá dữ liệu",
    "5. Nơi lưu trữ và các dịch vụ xử lý dữ liệu",
    "6. Tổ chức, cá nhân được xử lý dữ liệu (vai trò)",
    "7. Biện pháp bảo vệ dữ liệu cá nhân",
    "8. Thực hiện quyền của chủ thể dữ liệu",
    "9. Đánh giá rủi ro, tác hại có thể xảy ra và biện pháp giảm thiểu",
    "10. Cấu hình dùng để lập hồ sơ",
)


def _days_vi(data_class: Any, settings: Any) -> str:
    days = retention_days(data_class, settings)
    if days is None or days == data_class.default_days:
        return str(data_class.kept_vi)
    return f"{days} ngày"


def build(settings: Any, generated_at: datetime) -> bytes:
    """The dossier as a .docx (python-docx), headings in Vietnamese."""
    from docx import Document
    from docx.shared import Pt

    config = configuration(settings)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    document.core_properties.title = "Hồ sơ đánh giá tác động xử lý dữ liệu cá nhân"
    document.core_properties.subject = "Nghị định 13/2023/NĐ-CP, Điều 24"
    document.core_properties.created = generated_at.replace(tzinfo=None)
    document.core_properties.modified = generated_at.replace(tzinfo=None)

    document.add_heading("HỒ SƠ ĐÁNH GIÁ TÁC ĐỘNG XỬ LÝ DỮ LIỆU CÁ NHÂN", level=0)
    document.add_paragraph("Hệ thống chấm công bằng khuôn mặt (thẻ chấm công điện tử) — lập theo Điều 24 Nghị định "
                           "số 13/2023/NĐ-CP ngày 17/4/2023 của Chính phủ về bảo vệ dữ liệu cá nhân, từ cấu hình "
                           "đang vận hành của hệ thống.")
    document.add_paragraph(f"Ngày lập: {generated_at:%d/%m/%Y %H:%M} (UTC). Mã cấu hình: {digest(config)[:16]}.")

    document.add_heading(HEADINGS_VI[0], level=1)
    document.add_paragraph("Bên kiểm soát và xử lý dữ liệu: cơ quan quản lý cán bộ (các đơn vị và Ủy ban nhân dân "
                           "cấp huyện) sử dụng hệ thống.")
    document.add_paragraph(f"Đầu mối bảo vệ dữ liệu cá nhân: {settings.privacy_contact}.")
    document.add_paragraph(f"Địa chỉ gửi thư báo cáo của hệ thống: {settings.sender_email}.")

    document.add_heading(HEADINGS_VI[1], level=1)
    for data_class in DATA_CLASSES:
        if data_class.personal:
            document.add_paragraph(f"{data_class.name_vi}: {data_class.purpose_vi}", style="List Bullet")

    document.add_heading(HEADINGS_VI[2], level=1)
    document.add_paragraph(f"Cơ sở pháp lý mặc định khi đăng ký khuôn mặt: "
                           f"{BASIS_VI[Basis(settings.privacy_legal_basis)]}; thông báo xử lý dữ liệu phiên bản "
                           f"{config['notice']} được ghi nhận cho từng cán bộ khi đăng ký (ai thông báo, khi nào, "
                           f"sự đồng ý nếu có).")
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Loại dữ liệu", "Nhạy cảm", "Cơ sở pháp lý", "Nơi lưu"),
                          strict=True):
        cell.text = text
    for data_class in DATA_CLASSES:
        row = table.add_row().cells
        row[0].text = data_class.name_vi
        row[1].text = "Có (sinh trắc học)" if data_class.sensitive else ("Không" if data_class.personal else "—")
        row[2].text = BASIS_VI[data_class.basis]
        row[3].text = ", ".join([*(f"bảng {name}" for name in data_class.tables),
                                 *(f"S3 {prefix}" for prefix in data_class.prefixes)])

    document.add_heading(HEADINGS_VI[3], level=1)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Loại dữ liệu", "Thời gian lưu trữ", "Cách xoá"), strict=True):
        cell.text = text
    for data_class in DATA_CLASSES:
        row = table.add_row().cells
        row[0].text = data_class.name_vi
        row[1].text = _days_vi(data_class, settings)
        row[2].text = MECHANISM_VI[data_class.mechanism]

    document.add_heading(HEADINGS_VI[4], level=1)
    document.add_paragraph(f"Dữ liệu được lưu và xử lý tại khu vực AWS {settings.aws_region}; không chuyển ra ngoài "
                           f"khu vực này. Các dịch vụ sử dụng:")
    for service in SERVICES_VI:
        document.add_paragraph(service, style="List Bullet")

    document.add_heading(HEADINGS_VI[5], level=1)
    for role in ROLES.values():
        scope = {"self": "dữ liệu của chính mình", "subtree": "đơn vị được giao và đơn vị cấp dưới",
                 "site": "toàn hệ thống"}[role.scope]
        document.add_paragraph(f"{role.label_vi}: phạm vi {scope}.", style="List Bullet")

    document.add_heading(HEADINGS_VI[6], level=1)
    for measure in SECURITY_MEASURES:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(measure.title_vi + ". ").bold = True
        paragraph.add_run(measure.text_vi)

    document.add_heading(HEADINGS_VI[7], level=1)
    for text in ("Thông báo xử lý dữ liệu được in và ký khi đăng ký khuôn mặt; phiên bản, thời điểm, người thông "
                 "báo và cơ sở pháp lý được lưu cho từng cán bộ.",
                 "Cán bộ xem và tải về toàn bộ dữ liệu của mình (trang \"Dữ liệu cá nhân của tôi\"); mỗi lần xem "
                 "được ghi nhật ký.",
                 "Yêu cầu xoá dữ liệu được quản trị đơn vị hoàn thành (xoá ảnh, véc-tơ khỏi mọi bộ sưu tập, ảnh "
                 "chụp) hoặc từ chối có nêu lý do; mọi bước đều được ghi nhật ký."):
        document.add_paragraph(text, style="List Bullet")

    document.add_heading(HEADINGS_VI[8], level=1)
    for risk, mitigation in (
            ("Lộ ảnh khuôn mặt, véc-tơ đặc trưng", "Mã hoá khi lưu và khi truyền; không truy cập công khai; đường "
             "dẫn xem ảnh hết hạn sau vài phút; nhật ký mỗi lần xem."),
            ("Nhận nhầm người, chấm công hộ bằng ảnh", "Ngưỡng so khớp hiệu chỉnh theo điểm; kiểm tra người thật; "
             "ảnh chụp làm bằng chứng; cán bộ được đề nghị chỉnh sửa."),
            ("Lưu giữ quá thời hạn cần thiết", "Thời hạn lưu trữ theo từng loại, tự động xoá; xoá triệt để khi xoá "
             "cán bộ."),
            ("Truy cập trái phép", "Phân quyền theo vai trò và đơn vị, mặc định từ chối; nhật ký thao tác không "
             "sửa, xoá được.")):
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(risk + ": ").bold = True
        paragraph.add_run(mitigation)

    document.add_heading(HEADINGS_VI[9], level=1)
    document.add_paragraph(f"Khu vực: {settings.aws_region}. Cơ sở pháp lý mặc định: {settings.privacy_legal_basis}. "
                           f"Thông báo: {config['notice']}. Định dạng hồ sơ: {DOSSIER_FORMAT}. "
                           f"Mã cấu hình (SHA-256): {digest(config)}.")
    document.add_paragraph("Hồ sơ được lập lại tự động mỗi khi cấu hình thay đổi (thời hạn lưu trữ, cơ sở pháp lý, "
                           "khu vực, vai trò, biện pháp bảo vệ).")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
