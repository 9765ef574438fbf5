from layoutcheck.cli import main

main()
