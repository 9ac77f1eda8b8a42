from .requests import (  # noqa: F401
    report_access,
    report_detail,
    report_download,
    report_download_json,
    report_figures,
    report_list,
    report_new,
    report_person_profile,
    report_progress,
    report_unserved,
)
