"""Core's one table: the runs of the periodic jobs (core.periodic, core.scheduler)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RunState(models.TextChoices):
    QUEUED = "queued", _("排队")
    RUNNING = "running", _("运行中")
    RETRY = "retry", _("待重试")
    DONE = "done", _("完成")
    FAILED = "failed", _("失败")


class PeriodicRun(models.Model):
    """One period of one periodic job. The unique (job, period) is what makes a job run once per period with
    any number of workers: the worker whose insert wins enqueues it, the others find it there."""

    job = models.CharField(_("任务"), max_length=100)
    period = models.CharField(_("周期"), max_length=32)
    due_at = models.DateTimeField(_("应运行时间"))
    state = models.CharField(_("状态"), max_length=10, choices=RunState.choices, default=RunState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    # the django-tasks result (django_tasks_db) of the latest attempt
    task_id = models.CharField(max_length=64, blank=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    worker = models.CharField(_("执行进程"), max_length=100, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("定时任务运行")
        verbose_name_plural = _("定时任务运行")
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="one_run_per_job_period")]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="periodic_run_state"),
                   models.Index(fields=["job", "-due_at"], name="periodic_run_latest")]

    def __str__(self) -> str:
        return f"{self.job} {self.period} {self.state}"
