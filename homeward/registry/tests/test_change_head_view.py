"""Changing the head of household on its page: every member's relationship is asked anew."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_page_relabels_the_members_and_names_a_member_who_cannot_be_so(
    client_for, case_worker_a, household_a
):
    head = household_a.members.get(relationship_to_head="head")
    child = household_a.members.get(relationship_to_head="child")
    browser = client_for(case_worker_a)
    url = f"/registry/households/{household_a.number}/head/"

    page = browser.get(url)
    assert f'name="relationship_{child.pk}"' in page.content.decode()

    # Dragan (born 1970) cannot become the child of his daughter Milica (born 2005).
    refused = browser.post(url, {"new_head": child.pk, "previous_head_relationship": "child"})
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert list(errors) == ["previous_head_relationship"]
    assert "not younger" in errors["previous_head_relationship"][0]
    head.refresh_from_db()
    assert head.relationship_to_head == "head"

    done = browser.post(
        url,
        {
            "new_head": child.pk,
            "previous_head_relationship": "parent",
            f"relationship_{child.pk}": "",
        },
    )
    assert done.status_code == 302
    head.refresh_from_db()
    child.refresh_from_db()
    assert (head.relationship_to_head, child.relationship_to_head) == ("parent", "head")
