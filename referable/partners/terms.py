"""What the professions' own rules say about a referral arrangement (SPEC, "Regulated
practices"). Pure: the terms in, the errors that refuse them and the warnings that
accompany them out."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Terms:
    profession: str
    reciprocity: bool = False
    fee_or_compensation: bool = False
    fee_description: str = ""
    clients_told: bool = False
    not_exclusive: bool = True


@dataclass(frozen=True)
class TermsCheck:
    errors: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def check_terms(terms: Terms) -> TermsCheck:
    errors: dict[str, str] = {}
    warnings: list[str] = []
    if terms.fee_or_compensation and not terms.fee_description.strip():
        errors["fee_description"] = "Say what the fee or compensation is."
    if terms.profession == "attorney":
        # ABA Model Rule 7.2(b)(4): a reciprocal referral agreement between lawyers and
        # other professionals is allowed only if it is not exclusive and the client is told.
        if not terms.not_exclusive:
            errors["not_exclusive"] = (
                "A lawyer's referral arrangement may not be exclusive (ABA Model Rule 7.2(b)(4))."
            )
        if terms.reciprocity and not terms.clients_told:
            errors["clients_told"] = (
                "A lawyer must tell clients about a reciprocal referral arrangement "
                "(ABA Model Rule 7.2(b)(4))."
            )
        if terms.fee_or_compensation:
            warnings.append(
                "Lawyers may not give anything of value for a recommendation (ABA Model Rule "
                "7.2(b)); check this fee with the lawyer before it is paid."
            )
    elif terms.profession == "accountant":
        # AICPA Code of Professional Conduct 1.520: referral fees are disclosed to the client.
        if terms.fee_or_compensation and not terms.clients_told:
            errors["clients_told"] = (
                "An accountant must disclose a referral fee to the client (AICPA Code 1.520)."
            )
    elif not terms.not_exclusive:
        warnings.append(
            "An exclusive arrangement limits your clients' choice; say why in the terms."
        )
    if terms.fee_or_compensation:
        warnings.append(
            "A partner paid for referrals may be a promoter under the SEC marketing rule: "
            "keep a written agreement and give the disclosures."
        )
    return TermsCheck(errors=errors, warnings=tuple(warnings))
