from django.http import HttpRequest

from . import roles as r


def roles(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    names = r.role_names(user)
    admin = r.ADMIN in names
    return {
        "user_roles": sorted(names),
        "is_hiring_manager": admin or r.HIRING_MANAGER in names,
        "is_qa_reviewer": admin or r.QA_REVIEWER in names,
        "is_agent": r.AGENT in names,
        "is_ops_lead": admin or r.OPS_LEAD in names,
        "is_admin": admin,
    }
