"""``python -m helpers``: check every function you wrote on the public cases.

This is not an exercise. It is the class's ``course check``: it needs only this
folder, NumPy and SciPy. Run it from the folder that holds ``helpers/``::

    python -m helpers                  # every function
    python -m helpers softmax logit    # just these
    python -m helpers --lessons 2      # one lesson's
"""

import sys

from .checking import main

sys.exit(main())
