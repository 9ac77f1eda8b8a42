from .duplicates import duplicate_compare, duplicate_dismiss, duplicate_list  # noqa: F401
from .households import household_create, household_detail  # noqa: F401
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
