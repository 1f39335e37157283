from fundledger.cli import main

main()
