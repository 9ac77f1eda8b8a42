from .directory import directory, hsds_json, hsds_zip, service_detail  # noqa: F401
from .letters import letter_pdf  # noqa: F401
from .performance import performance  # noqa: F401
from .referrals import (  # noqa: F401
    complaint_file_download,
    document_download,
    referral_create,
    referral_decide,
    referral_detail,
    referral_documents,
    referral_edit,
    referral_list,
    referral_note,
    referral_redirect,
    referral_send,
    referral_status,
    service_documents,
)
from .unserved import unserved_export, unserved_index, unserved_list, unserved_refresh  # noqa: F401
