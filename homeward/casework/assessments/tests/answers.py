"""Complete, valid answers to the shipped templates, for tests to start from and vary."""


def needs_answers(**changes) -> dict:
    """A family with no income, in a collective centre, missing documents: a great need."""
    answers = {
        "no_income": True,
        "employed_members": 0,
        "unemployed_seeking_work": 2,
        "registered_with_nes": False,
        "housing_condition": "major_repair",
        "tenure": "collective_centre",
        "risk_of_eviction": False,
        "utilities_missing": ["heating"],
        "documents_missing": True,
        "missing_document_kinds": ["id_card", "birth_certificate"],
        "legal_aid_needed": True,
        "chronic_illness_members": 1,
        "disability_members": 0,
        "health_needs_unmet": False,
        "psychosocial_support_needed": True,
        "has_debts": True,
        "debt_amount_rsd": 120000,
        "debt_to": ["utilities", "private_lender"],
        "meals_per_day": "two",
        "days_without_enough_food": 8,
        "food_coping": ["smaller_meals", "aid"],
        "school_age_children": 2,
        "children_out_of_school": 1,
        "out_of_school_reasons": ["no_documents"],
        "priority_needs": ["income_generation", "documents_legal_aid", "housing_repair"],
    }
    answers.update(changes)
    return {code: value for code, value in answers.items() if value is not None}


def durable_solutions_answers(**changes) -> dict:
    """Answers of a household half-way to a durable solution."""
    answers = {
        # 1. safety: 1 + 2 + 2 + 1 of 8 → 75
        "feels_safe": "mostly_safe",
        "security_incident": False,
        "free_movement": True,
        "trusts_police": "partly",
        # 2. standard of living: 2 + 2 + 1 + 0 + 1 of 10 → 60
        "adequate_housing": True,
        "water_electricity": True,
        "health_care_access": "with_difficulty",
        "enough_food": False,
        "has_school_age_children": True,
        "children_in_school": "some",
        # 3. livelihoods: 0 + 1 + 0 + 2 of 8 → 38
        "member_employed": False,
        "income_covers_needs": "partly",
        "depends_on_aid": True,
        "equal_access_to_work": True,
        # 4. housing, land and property: 1 + 0 + 2 of 6 → 50
        "had_property": True,
        "property_status": "claim_pending",
        "secure_tenure": False,
        "property_documents": True,
        # 5. documentation: 2 + 2 + 0 + 1 of 8 → 62
        "all_adults_have_id": True,
        "births_registered": True,
        "residence_registered": False,
        "can_replace_documents": "with_difficulty",
        # 6. family reunification: 2 + 2 of 4 → 100 (nobody separated: two questions skipped)
        "family_separated": False,
        "missing_relative": False,
        # 7. public affairs: 2 + 0 + 1 + 2 of 8 → 62
        "registered_to_vote": True,
        "voted": False,
        "community_participation": "sometimes",
        "unequal_treatment": False,
        # 8. remedies and justice: 2 + 0 + 0 of 6 → 33 (no violation: one question skipped)
        "knows_rights": True,
        "legal_aid_access": False,
        "suffered_violation": False,
        "trusts_justice": "no",
    }
    answers.update(changes)
    return {code: value for code, value in answers.items() if value is not None}
