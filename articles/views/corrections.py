"""Correcting an article's classification from its page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from articles import access_changes, overrides
from articles.enrichment.vocabulary import CATEGORIES, INTEL_LEVELS, PRIORITIES
from articles.models import Article
from articles.tlp import TLP


class ClassificationForm(forms.Form):
    category = forms.ChoiceField(choices=CATEGORIES)
    intel_level = forms.ChoiceField(choices=INTEL_LEVELS, label="Intel level")
    priority = forms.ChoiceField(choices=PRIORITIES)


@require_POST
def correct_classification(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    if not request.user.may_work_on_articles:
        messages.error(request, "The classification was not changed — your account may read but not correct.")
        return redirect(article)
    form = ClassificationForm(request.POST)
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())
        messages.error(request, f"The classification was not changed — {problems}")
        return redirect(article)
    recorded = overrides.override_classification(article, form.cleaned_data, request.user, request=request)
    if recorded:
        changed = ", ".join(
            f"{o.field.replace('_', ' ')} {o.old_value or '—'} → {o.new_value}" for o in recorded
        )
        messages.success(request, f"Corrected: {changed}. Re-enrichment will keep your choice.")
    else:
        messages.info(request, "Nothing changed.")
    return redirect(article)


def tlp_context(article: Article, user) -> dict:
    """What the article page needs to offer a TLP change and show the past ones."""
    from audit.actions import Action
    from audit.models import AuditEvent

    choices = access_changes.relabel_choices(user, article.tlp)
    return {
        "tlp_choices": [(label, TLP(label).label) for label in choices],
        # The article's own events: whoever reads the article may see how its label moved.
        "tlp_history": AuditEvent.objects.filter(article_id=article.pk, action=Action.TLP)[:10],
    }


@require_POST
def relabel(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    new = request.POST.get("tlp", "")
    if new not in TLP.values:
        messages.error(request, "The TLP was not changed — pick one of the labels offered.")
        return redirect(article)
    old = article.tlp
    try:
        changed = access_changes.relabel_from_page(article, new, by=request.user, request=request)
    except access_changes.RelabelDenied as denied:
        messages.error(request, f"The TLP was not changed — {denied}")
        return redirect(article)
    if changed:
        # Raised at most to the reader's own clearance, so they can still read it.
        messages.success(request, f"TLP changed: {TLP(old).label} → {TLP(new).label}.")
    else:
        messages.info(request, "Nothing changed.")
    return redirect(article)
