package io.catalogmigration.testkit.architecture.sample.common.contract;

/** Breaks "commands are records": a class with a setter. */
public class MutableCommand implements OpenCommand {

    private String name;

    public void setName(String name) {
        this.name = name;
    }
}
