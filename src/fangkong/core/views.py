from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_required
def home(request):
    return render(request, "core/home.html", {"scope": request.user.region})


@require_GET
def healthz(request):
    """For load balancers and benchmarks: answers without touching the database."""
    return JsonResponse({"status": "ok"})
