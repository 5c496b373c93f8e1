import pytest

from core import skill_codes
from core.models import RoleProfile, RoleProfileSkill, Skill


@pytest.mark.django_db
def test_migrate_seeds_the_ten_core_skills_in_order():
    core = list(Skill.objects.filter(is_core=True).order_by("position").values_list("code", flat=True))
    assert core == list(skill_codes.CORE)
    assert set(Skill.objects.filter(is_core=True).values_list("tier", flat=True)) == {
        "foundational",
        "technical",
        "strategic",
    }
    assert not Skill.objects.filter(is_core=True, kpis="").exists()


@pytest.mark.django_db
def test_migrate_seeds_three_role_profiles_with_emphasised_skills():
    profiles = {p.code: p for p in RoleProfile.objects.all()}
    assert set(profiles) == {
        skill_codes.TECHNICAL_SUPPORT,
        skill_codes.SALES_RENEWALS,
        skill_codes.ESCALATION_HANDLING,
    }
    primary = dict(RoleProfileSkill.objects.filter(emphasis="primary").values_list("profile__code", "skill__code"))
    assert primary == {
        skill_codes.TECHNICAL_SUPPORT: skill_codes.COMMUNICATION,
        skill_codes.SALES_RENEWALS: skill_codes.PERSUASION,
        skill_codes.ESCALATION_HANDLING: skill_codes.DE_ESCALATION,
    }
    # every profile weighs every core skill, the emphasised ones more
    for profile in profiles.values():
        weights = {w.skill.code: w.weight for w in profile.skill_weights.select_related("skill")}
        assert set(skill_codes.CORE) <= set(weights)
        assert max(weights.values()) == 3


@pytest.mark.django_db
def test_admin_cannot_delete_a_core_skill_but_can_add_one(admin_client):
    skill = Skill.objects.get(code=skill_codes.EMPATHY)
    response = admin_client.post(f"/admin/skillhub/skill/{skill.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Skill.objects.filter(pk=skill.pk).exists()
    response = admin_client.post(
        "/admin/skillhub/skill/add/",
        {"code": "upselling", "name": "Upselling", "tier": "strategic", "position": 20, "kpis": "", "description": ""},
    )
    assert response.status_code == 302
    assert Skill.objects.get(code="upselling").is_core is False
