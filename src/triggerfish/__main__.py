from triggerfish.cli.main import main

raise SystemExit(main())
