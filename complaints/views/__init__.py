from .desk import complaint_create, desk_queue, person_search, receipt, receipt_pdf  # noqa: F401
from .followup import (  # noqa: F401
    attachment_add,
    attachment_download,
    complaint_assessment,
    complaint_assign,
    complaint_detail,
    complaint_list,
    complaint_note,
    complaint_served,
    complaint_status,
)
