from rest_framework import serializers

from core.models import Agent, RoleProfile, RoleProfileSkill, Skill, Team


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "code", "name", "tier", "description", "kpis", "is_core", "position"]


class RoleProfileSkillSerializer(serializers.ModelSerializer):
    skill = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = RoleProfileSkill
        fields = ["skill", "weight", "emphasis", "note"]


class RoleProfileSerializer(serializers.ModelSerializer):
    skill_weights = RoleProfileSkillSerializer(many=True, read_only=True)

    class Meta:
        model = RoleProfile
        fields = ["id", "code", "name", "description", "skill_weights"]


class TeamSerializer(serializers.ModelSerializer):
    vendor = serializers.StringRelatedField()
    vendor_kind = serializers.CharField(source="vendor.kind", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "vendor", "vendor_kind", "is_active"]


class AgentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    team = serializers.StringRelatedField()
    role_profile = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Agent
        fields = ["id", "name", "employee_id", "email", "team", "role_profile", "channels", "start_date", "is_active"]
