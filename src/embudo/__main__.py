from embudo.cli.app import main

main()
