from .consent import consent_decision  # noqa: F401
from .duplicates import duplicate_compare, duplicate_dismiss, duplicate_list  # noqa: F401
from .households import household_create, household_detail, household_edit, household_list  # noqa: F401
from .imports import (  # noqa: F401
    import_cancel,
    import_confirm,
    import_detail,
    import_progress,
    import_rejected,
    import_start,
    import_template,
)
from .people import (  # noqa: F401
    person_detail,
    person_edit,
    person_export,
    person_list,
    person_profile_edit,
)
from .person_records import ppks_record_edit, ppks_record_mark_handled, program_receipt_add, program_receipt_remove  # noqa: F401
from .self_reports import (  # noqa: F401
    self_report_create_person,
    self_report_find_person,
    self_report_form,
    self_report_link_person,
    self_report_reject,
    self_report_review,
    self_report_thanks,
)
from .verification import (  # noqa: F401
    record_reject,
    record_submit,
    record_verify,
    verification_bulk,
    verification_queue,
)
