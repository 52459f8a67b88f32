"""Correcting an article's classification from its page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from articles import overrides
from articles.enrichment.vocabulary import CATEGORIES, INTEL_LEVELS, PRIORITIES
from articles.models import Article


class ClassificationForm(forms.Form):
    category = forms.ChoiceField(choices=CATEGORIES)
    intel_level = forms.ChoiceField(choices=INTEL_LEVELS, label="Intel level")
    priority = forms.ChoiceField(choices=PRIORITIES)


@require_POST
def correct_classification(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
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
