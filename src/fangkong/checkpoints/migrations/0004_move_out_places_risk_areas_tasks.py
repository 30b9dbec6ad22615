"""Key places and check-ins move to the places app, risk areas to risk_areas, arrival tasks to screening.

Only Django's record of the models moves: their tables keep their names (each model sets `db_table`), so no
row is copied and an existing database migrates in an instant. The new apps' first migrations create the
same models in the record, and move their content types along.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('checkpoints', '0003_check_in_visitor_identity'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            # those that point at others first
            migrations.DeleteModel(name='ArrivalTask'),
            migrations.DeleteModel(name='CheckIn'),
            migrations.DeleteModel(name='PlaceCode'),
            migrations.DeleteModel(name='HygieneLog'),
            migrations.DeleteModel(name='ClosureOrder'),
            migrations.DeleteModel(name='Place'),
            migrations.DeleteModel(name='RiskArea'),
        ]),
    ]
