"""A rule said in words, in the reader's language (the framework page, the reports)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def choice_labels(rule_key: str) -> dict:
    from homeward.casework.activities.models import (
        ActivityKind,
        MaterialKind,
        ParticipantCategory,
    )
    from homeward.casework.assistance.models import Category
    from homeward.casework.contacts.models import Channel, Contact, Referral
    from homeward.casework.enrolment.models import Enrolment
    from homeward.registry.models import DisplacementStatus

    return {
        "categories": dict(Category.choices),
        "displacement_status": dict(DisplacementStatus.choices),
        "activity_kinds": dict(ActivityKind.choices),
        "other_categories": dict(ParticipantCategory.choices),
        "participant_categories": dict(ParticipantCategory.choices),
        "statuses": dict(Enrolment.Status.choices),
        "receiver_categories": dict(Referral.ReceiverCategory.choices),
        "channels": dict(Channel.choices),
        "topics": dict(Contact.Topic.choices),
        "material_kinds": dict(MaterialKind.choices),
    }.get(rule_key, {})


def _names(rule: dict, name: str, labels_key: str | None = None) -> str:
    values = rule.get(name) or []
    if name == "assistance_types":
        from homeward.casework.assistance.models import AssistanceType

        found = {t.code: t.localised_name for t in AssistanceType.objects.filter(code__in=values)}
        return ", ".join(found.get(v, v) for v in values)
    labels = choice_labels(labels_key or name)
    return ", ".join(str(labels.get(v, v)).lower() for v in values)


def _of(rule: dict, name: str, labels_key: str | None = None) -> str:
    """ " of <names>" when the parameter narrows the rule, else ""."""
    if not rule.get(name):
        return ""
    return _(" (%(names)s)") % {"names": _names(rule, name, labels_key)}


def _statuses(rule: dict) -> str:
    if not rule.get("displacement_status"):
        return ""
    return _("; only %(statuses)s") % {"statuses": _names(rule, "displacement_status")}


def _ages(rule: dict) -> str:
    first, last = rule.get("age_from"), rule.get("age_to")
    if first is not None and last is not None:
        return _("; aged %(first)s to %(last)s") % {"first": first, "last": last}
    if first is not None:
        return _("; aged %(first)s or over") % {"first": first}
    if last is not None:
        return _("; aged up to %(last)s") % {"last": last}
    return ""


def _what(rule: dict) -> str:
    what = _("assistance") + _of(rule, "assistance_types") + _of(rule, "categories")
    if rule.get("grants_only"):
        what += _(", grants only")
    return what


def describe(rule: dict) -> str:
    return _describe(rule) + _ages(rule)


def _describe(rule: dict) -> str:
    kind = rule["kind"]
    if kind == "assistance_delivered":
        count = rule.get("count") or "households"
        what = _what(rule)
        text = {
            "households": _("Distinct households given %(what)s, delivered or verified"),
            "people": _("Distinct people named on deliveries of %(what)s, delivered or verified"),
            "members": _("Every member of the households given %(what)s, delivered or verified"),
        }[count] % {"what": what}
        return text + _statuses(rule)
    if kind == "activity_completed":
        text = _("Distinct registered people who completed an activity%(kinds)s") % {
            "kinds": _of(rule, "activity_kinds")
        }
        text += _statuses(rule)
        if rule.get("other_categories"):
            text += _(", plus the other participants counted at its held sessions (%(c)s)") % {
                "c": _names(rule, "other_categories")
            }
        return text
    if kind == "activity_attended":
        return _("Distinct registered people present at a held session%(kinds)s") % {
            "kinds": _of(rule, "activity_kinds")
        } + _statuses(rule)
    if kind == "other_participants":
        return _("Participants counted at held sessions%(kinds)s, not registered%(cats)s") % {
            "kinds": _of(rule, "activity_kinds"),
            "cats": _of(rule, "categories", "participant_categories"),
        }
    if kind == "events_held":
        if (rule.get("count") or "sessions") == "activities":
            text = _("Activities%(kinds)s with at least one session held")
        else:
            text = _("Sessions held of activities%(kinds)s")
        return text % {"kinds": _of(rule, "activity_kinds")}
    if kind == "enrolled":
        statuses = _of(rule, "statuses") or _(" (selected, active or completed)")
        if (rule.get("count") or "people") == "households":
            text = _("Distinct households enrolled%(statuses)s")
        else:
            text = _(
                "Distinct people enrolled%(statuses)s, one by one or as members of an "
                "enrolled household"
            )
        return text % {"statuses": statuses} + _statuses(rule)
    if kind == "referrals_completed":
        if (rule.get("count") or "households") == "people":
            text = _("Distinct people whose referral%(to)s was completed")
        else:
            text = _("Distinct households whose referral%(to)s was completed")
        return text % {"to": _of(rule, "receiver_categories")}
    if kind == "contacts":
        return _("Information desk and phone line contacts%(channels)s%(topics)s") % {
            "channels": _of(rule, "channels"),
            "topics": _of(rule, "topics"),
        }
    if kind == "share_women":
        among = rule.get("among") or "beneficiaries"
        if among == "beneficiaries":
            return _("Percentage of women among the beneficiaries (people enrolled)")
        return _("Percentage of women among: %(among)s") % {"among": describe(among)}
    if kind == "share_displacement_status":
        among = rule.get("among") or "beneficiaries"
        statuses = _names(rule, "statuses", "displacement_status")
        if among == "beneficiaries":
            return _("Percentage of %(statuses)s among the beneficiaries (people enrolled)") % {
                "statuses": statuses
            }
        text = _("Percentage of %(statuses)s among: %(among)s") % {
            "statuses": statuses,
            "among": describe(among),
        }
        from homeward.results.rules import rule_unit

        if rule_unit(among) == "households":
            text += _(" (a household by its head's status)")
        return text
    if kind == "information_reach":
        return _("People reached by information material%(kinds)s, as estimated for each") % {
            "kinds": _of(rule, "material_kinds")
        }
    if kind == "organisations_participating":
        return _(
            "Distinct organisations of the participants counted at held sessions%(kinds)s%(cats)s"
        ) % {
            "kinds": _of(rule, "activity_kinds"),
            "cats": _of(rule, "categories", "participant_categories"),
        }
    if kind == "municipalities_reached":
        return _(
            "Distinct municipalities where households were given %(what)s, delivered or verified"
        ) % {"what": _what(rule)}
    if kind == "grants_operating":
        return _(
            "Percentage of grants%(types)s whose latest monitoring visit %(months)s or more "
            "months after the handover found the business operating"
        ) % {"types": _of(rule, "assistance_types"), "months": rule.get("months") or 12}
    if kind == "durable_solutions_improved":
        if rule.get("criterion"):
            what = _("the score of IASC criterion %(n)s") % {"n": rule["criterion"]}
        else:
            what = _("the durable solutions score")
        return _(
            "Distinct households whose latest durable solutions assessment improved %(what)s "
            "over their first"
        ) % {"what": what}
    return kind
