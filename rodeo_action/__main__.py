from rodeo_action.cli import main

raise SystemExit(main())
