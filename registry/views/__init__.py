from .households import household_create, household_detail  # noqa: F401
from .imports import (  # noqa: F401
    import_cancel,
    import_confirm,
    import_detail,
    import_progress,
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
from .verification import (  # noqa: F401
    record_reject,
    record_submit,
    record_verify,
    verification_queue,
)
