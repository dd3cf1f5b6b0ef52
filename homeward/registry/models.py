"""The registry: households and the people in them.

Names are stored as written, in whichever script the person or the case worker used. What
search and duplicate checks compare is the folded key (``core.names.fold``), kept beside each
name and, word by word, in ``PersonNameToken``. ``NameTokenVariant`` is a small dictionary of
every distinct name word and its one-deletion variants: it turns "one typo tolerated" into an
indexed equality lookup that both SQLite and PostgreSQL answer quickly.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from homeward.core.models import Versioned


class DisplacementStatus(models.TextChoices):
    IDP = "idp", _("Internally displaced person")
    RETURNEE = "returnee", _("Returnee")
    READMITTED_RETURNEE = "readmitted_returnee", _("Returnee under readmission")
    REFUGEE = "refugee", _("Refugee")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    REMAINEE = "remainee", _("Remainee")
    LOCAL_VULNERABLE = "local_vulnerable", _("Vulnerable local resident")


class Accommodation(models.TextChoices):
    PRIVATE = "private", _("Private accommodation")
    COLLECTIVE_CENTRE = "collective_centre", _("Collective centre")
    INFORMAL_SETTLEMENT = "informal_settlement", _("Informal settlement")
    HOST_FAMILY = "host_family", _("Host family")


class ReturnIntention(models.TextChoices):
    RETURN = "return", _("Intends to return")
    INTEGRATE_LOCALLY = "integrate_locally", _("Intends to stay and integrate locally")
    RESETTLE = "resettle", _("Intends to settle elsewhere")
    UNDECIDED = "undecided", _("Undecided")


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse or partner")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Brother or sister")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NOT_RELATED = "not_related", _("Not related")


class Difficulty(models.IntegerChoices):
    """The answer scale of the Washington Group Short Set on functioning."""

    NONE = 1, _("No difficulty")
    SOME = 2, _("Some difficulty")
    A_LOT = 3, _("A lot of difficulty")
    CANNOT = 4, _("Cannot do at all")


# The six questions of the Washington Group Short Set, as (field, label).
WASHINGTON_GROUP_DOMAINS = [
    ("wg_seeing", _("Seeing, even if wearing glasses")),
    ("wg_hearing", _("Hearing, even if using a hearing aid")),
    ("wg_walking", _("Walking or climbing steps")),
    ("wg_remembering", _("Remembering or concentrating")),
    ("wg_self_care", _("Self-care, such as washing all over or dressing")),
    ("wg_communicating", _("Communicating, understanding or being understood")),
]


class Vulnerability(models.TextChoices):
    """What the search filters by; each is computed from what was recorded."""

    DISABILITY = "disability", _("Disability")
    CHRONIC_ILLNESS = "chronic_illness", _("Chronic illness")
    SINGLE_PARENT = "single_parent", _("Single parent")
    OLDER_PERSON_ALONE = "older_person_alone", _("Older person living alone")
    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied child")
    MISSING_DOCUMENTS = "missing_documents", _("Missing documents")


class Household(Versioned):
    """A family living and eating together, registered by one organisation."""

    number = models.CharField(_("household number"), max_length=20, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=_("registered by"),
    )
    project = models.ForeignKey(
        "programmes.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("project"),
        help_text=_("The project it was registered for; its partners share the record."),
    )
    origin_municipality = models.ForeignKey(
        "geo.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality of origin"),
    )
    origin_settlement = models.CharField(_("village or town of origin"), max_length=120, blank=True)
    current_municipality = models.ForeignKey(
        "geo.Area",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("current municipality"),
    )
    current_settlement = models.CharField(_("current settlement"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    accommodation = models.CharField(
        _("accommodation"), max_length=24, choices=Accommodation.choices
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    return_intention = models.CharField(
        _("intention to return"), max_length=24, choices=ReturnIntention.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    registered_on = models.DateField(_("registered on"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    split_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="split_into",
        verbose_name=_("split from"),
    )

    scope_organisation_path = "organisation"
    scope_project_path = "project"
    scope_household_path = "pk"

    class Meta:
        ordering = ["number"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return self.number


class PersonQuerySet(models.QuerySet):
    """People, with an option to fetch a page in two steps: first the ids, then the people.

    A search that matches thousands of people must sort them all to show fifty. Sorting only
    ids and sort keys lets PostgreSQL answer from indexes alone (the covering indexes of
    migration 0002); fetching whole rows for all matches before sorting made it read the whole
    table instead: 160 ms against 28 ms for 10,000 matches at 1,000,000 people.
    """

    _ids_first = False

    def ids_first(self):
        clone = self._chain()
        clone._ids_first = True
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._ids_first = self._ids_first
        return clone

    def __getitem__(self, key):
        if not (self._ids_first and isinstance(key, slice) and self._result_cache is None):
            return super().__getitem__(key)
        plain = self._chain()
        plain._ids_first = False
        ids = list(plain.values_list("pk", flat=True)[key])
        people = self.model._default_manager.filter(pk__in=ids)
        people.query.select_related = self.query.select_related
        people = people.prefetch_related(*self._prefetch_related_lookups)
        by_id = {person.pk: person for person in people}
        return [by_id[pk] for pk in ids if pk in by_id]


class Person(Versioned):
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    relationship_to_head = models.CharField(
        _("relationship to the head"), max_length=16, choices=Relationship.choices
    )
    first_name = models.CharField(_("first name"), max_length=80)
    father_name = models.CharField(_("father's name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80)
    # Folded keys (script, diacritics, spelling), written by the services, never by hand.
    first_key = models.CharField(max_length=80, editable=False)
    father_key = models.CharField(max_length=80, editable=False, blank=True)
    last_key = models.CharField(max_length=80, editable=False)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(
        _("only the year of birth is known"), default=False
    )
    national_id = models.CharField(_("JMBG"), max_length=13, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    phone_key = models.CharField(max_length=20, blank=True, db_index=True, editable=False)
    displacement_status = models.CharField(
        _("displacement status"), max_length=24, choices=DisplacementStatus.choices
    )
    wg_seeing = models.PositiveSmallIntegerField(
        _("difficulty seeing"), choices=Difficulty.choices, null=True, blank=True
    )
    wg_hearing = models.PositiveSmallIntegerField(
        _("difficulty hearing"), choices=Difficulty.choices, null=True, blank=True
    )
    wg_walking = models.PositiveSmallIntegerField(
        _("difficulty walking"), choices=Difficulty.choices, null=True, blank=True
    )
    wg_remembering = models.PositiveSmallIntegerField(
        _("difficulty remembering"), choices=Difficulty.choices, null=True, blank=True
    )
    wg_self_care = models.PositiveSmallIntegerField(
        _("difficulty with self-care"), choices=Difficulty.choices, null=True, blank=True
    )
    wg_communicating = models.PositiveSmallIntegerField(
        _("difficulty communicating"), choices=Difficulty.choices, null=True, blank=True
    )
    # Washington Group's disability identifier: "a lot of difficulty" or "cannot do at all"
    # in at least one domain. Stored so that search and reports can filter on it.
    has_disability = models.BooleanField(_("disability"), default=False, editable=False)
    chronic_illness = models.BooleanField(_("chronic illness"), default=False)
    single_parent = models.BooleanField(_("single parent"), default=False)
    older_person_alone = models.BooleanField(_("older person living alone"), default=False)
    unaccompanied_child = models.BooleanField(_("unaccompanied child"), default=False)
    missing_documents = models.BooleanField(_("missing documents"), default=False, editable=False)

    objects = PersonQuerySet.as_manager()

    scope_organisation_path = "household__organisation"
    scope_project_path = "household__project"
    scope_household_path = "household"

    class Meta:
        ordering = ["last_key", "first_key", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["last_key", "first_key"], name="person_name_key"),
            models.Index(fields=["household", "relationship_to_head"], name="person_household"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relationship_to_head="head"),
                name="household_has_one_head",
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.father_name:
            return f"{self.first_name} ({self.father_name}) {self.last_name}"
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def vulnerabilities(self) -> list[str]:
        return [
            label
            for value, label in Vulnerability.choices
            if getattr(self, "has_disability" if value == "disability" else value)
        ]


class IdentityDocument(models.Model):
    """A document a person holds, or should hold and does not: a missing document is a need."""

    class Kind(models.TextChoices):
        SERBIAN_ID_CARD = "serbian_id_card", _("Serbian identity card")
        IDP_CARD = "idp_card", _("IDP card")
        KOSOVO_ID_CARD = "kosovo_id_card", _("Kosovo identity card")
        BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
        CITIZENSHIP_CERTIFICATE = "citizenship_certificate", _("Citizenship certificate")
        PASSPORT = "passport", _("Passport")
        RESIDENCE_REGISTRATION = "residence_registration", _("Registered residence")
        HEALTH_INSURANCE = "health_insurance", _("Health insurance card")
        OTHER = "other", _("Other document")

    class Status(models.TextChoices):
        HELD = "held", _("held")
        MISSING = "missing", _("missing")
        EXPIRED = "expired", _("expired")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="documents", verbose_name=_("person")
    )
    kind = models.CharField(_("document"), max_length=32, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    number = models.CharField(_("number"), max_length=40, blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    scope_organisation_path = "person__household__organisation"
    scope_project_path = "person__household__project"
    scope_household_path = "person__household"

    class Meta:
        ordering = ["person", "kind"]
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_document_of_each_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class Consent(models.Model):
    """Consent to process a person's data for one purpose: when, and who took it."""

    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("Registration and assistance")
        REFERRAL = "referral", _("Referral to other agencies")
        FOLLOW_UP = "follow_up", _("Follow-up contact")
        PHOTOGRAPHS = "photographs", _("Photographs and stories for reports")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consents", verbose_name=_("person")
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    given_on = models.DateField(_("given on"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("taken by"),
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    scope_organisation_path = "person__household__organisation"
    scope_project_path = "person__household__project"
    scope_household_path = "person__household"

    class Meta:
        ordering = ["person", "purpose", "-given_on"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.given_on:%Y-%m-%d})"


class DuplicateAcknowledgement(models.Model):
    """A case worker saw a likely duplicate at registration and saved anyway, saying why.

    The other person may be outside the case worker's scope; the row keeps the link for the
    deduplication review all the same.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="duplicate_acknowledgements"
    )
    other_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    matched_on = models.CharField(_("matched on"), max_length=32)
    reason = models.TextField(_("reason"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    scope_organisation_path = "person__household__organisation"
    scope_project_path = "person__household__project"
    scope_household_path = "person__household"

    class Meta:
        ordering = ["-acknowledged_at"]
        verbose_name = _("likely duplicate noted at registration")
        verbose_name_plural = _("likely duplicates noted at registration")

    def __str__(self):
        return f"{self.person_id} ~ {self.other_person_id} ({self.matched_on})"


class PersonNameToken(models.Model):
    """One folded word of a person's first, father's or last name."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    token = models.CharField(max_length=80)

    class Meta:
        indexes = [models.Index(fields=["token", "person"], name="name_token_person")]
        constraints = [
            models.UniqueConstraint(fields=["person", "token"], name="name_token_once_per_person")
        ]

    def __str__(self):
        return self.token


class NameTokenVariant(models.Model):
    """Every distinct name word (``variant == token``) and its one-deletion variants.

    Holds words, not people: it only grows, and a word no one bears any more matches nobody.
    """

    variant = models.CharField(max_length=80)
    token = models.CharField(max_length=80)

    class Meta:
        indexes = [
            models.Index(fields=["variant", "token"], name="name_variant_token"),
            # PostgreSQL answers LIKE 'abc%' from this index whatever the database collation;
            # SQLite ignores the operator class and searches prefixes as ranges instead.
            models.Index(
                fields=["variant"], name="name_variant_prefix", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["token", "variant"], name="name_variant_once")
        ]

    def __str__(self):
        return f"{self.variant} → {self.token}"
