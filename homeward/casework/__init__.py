"""Casework: what happens to a family once it is registered.

Each part is its own Django app, so that its models, migrations, pages and API grow apart:

* ``enrolment``   – a household or person in a project, from candidate to completed;
* ``selection``   – versioned selection criteria, ranked and explained candidate lists;
* ``assessments`` – assessment templates as data, needs and durable-solutions assessments;
* ``assistance``  – the catalogue of assistance, deliveries and grant monitoring visits;
* ``activities``  – trainings, workshops, events, their sessions and attendance;
* ``contacts``    – referrals, the information desk and phone line, grievances.

``common`` holds what they share: who may work in which project, and life cycles.
"""

CASEWORK_APPS = ["enrolment", "selection", "assessments", "assistance", "activities", "contacts"]
