from django.urls import path

from .views_language import language_set

urlpatterns = [path("i18n/setlang/", language_set, name="set_language")]
